import Foundation

// Reports hold health data: everything the tool creates is private to its user (0700/0600).
umask(0o077)
CaseloadCommand.runAndExit()
