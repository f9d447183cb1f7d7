from policytext.cli import console

console()
