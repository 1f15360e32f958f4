"""The test suite: unit/ (pure, fast), integration/ (real files and programs), cli/ (the command line);
helpers/ holds what they share."""
