// The certified OpenID Connect provider (panva's oidc-provider) as the hub's tests run it on
// loopback. Everything comes from the JSON file named by the first argument:
//   { "issuer": "http://127.0.0.1:PORT", "port": PORT, "jwks": {"keys": [private JWKs]},
//     "cookie_keys": ["..."],
//     "resources": {"https://hub.test/api": {"ttl": 600}, ...},
//     "clients": [{client_id, client_secret, grant_types, redirect_uris, response_types,
//                  "hub_claims": {claims added to this client's client-credentials tokens},
//                  "token_ttl": seconds its access tokens live (else the resource's ttl)}],
//     "accounts": {"<login>": {claims of the official who signs in with that login}} }
// The first signing key of "jwks" signs; the others are published for verification only
// (a rotation: start again with a new key first, keep the old one, later drop it).
// Writes "ready <issuer>" on stdout once it listens.
import { readFileSync } from 'node:fs';

import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const resources = config.resources;
const clientClaims = Object.fromEntries(
  config.clients.map((c) => [c.client_id, c.hub_claims || {}]),
);
const clientTtl = Object.fromEntries(config.clients.map((c) => [c.client_id, c.token_ttl]));
const clients = config.clients.map(({ hub_claims: _c, token_ttl: _t, ...client }) => client);

const provider = new Provider(config.issuer, {
  clients,
  jwks: config.jwks,
  cookies: { keys: config.cookie_keys },
  scopes: ['openid', 'profile', 'offline_access'],
  claims: {
    openid: ['sub', 'hub_agency', 'hub_roles'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind === 'ClientCredentials') return clientClaims[token.clientId];
    if (token.accountId && config.accounts[token.accountId]) {
      return { sub: token.accountId, ...config.accounts[token.accountId] };
    }
    return undefined;
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client, oneOf) => oneOf || Object.keys(resources)[0],
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, indicator, client) {
        const resource = resources[indicator];
        if (!resource) throw new errors.InvalidTarget();
        return {
          scope: 'openid profile',
          audience: indicator,
          accessTokenTTL: clientTtl[client.clientId] || resource.ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: config.jwks.keys[0].alg } },
        };
      },
    },
  },
});
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
