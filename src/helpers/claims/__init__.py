"""Claims: the verdict vocabulary, one rule function per rule, the declared specifications and the ledger."""
