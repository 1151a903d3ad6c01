"""What each command does, as library calls: new, set and the item lists, log, exec,
verify, edit, list, init, import and export. May import every layer below (insight,
gitlink, render, importer, store, model); never the CLI; never prints or exits."""
