print("caseload")
