-- Keycloak's own database beside the hub's, created on the server's first start.
CREATE DATABASE keycloak OWNER hub;
