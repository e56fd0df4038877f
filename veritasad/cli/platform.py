"""Platform commands: serve, worker, beat, db upgrade, user create, apikey create (to be written)."""
