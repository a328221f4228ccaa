"""Routes: each turns a request schema into an application call and the result into JSON."""
