"""Authorizer Lambda sources used by the sandbox scenarios (zipped and deployed to the emulator).

They use only the standard library: they run as Lambda functions, not inside the wizard.
"""
