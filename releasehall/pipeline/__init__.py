"""One build: read -> assemble -> plan -> publish, whole or told which sources changed."""
