"""The demo sandbox: the local AWS emulator's lifecycle, broken-API scenarios (YAML) and their
provisioner, the Lambda sources they deploy, and replaying a scenario's requests."""
