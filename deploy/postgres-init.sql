-- Run once by the postgres image on an empty volume: Inngest's own database on the same server.
CREATE DATABASE inngest OWNER scenario_gen;
