// The JSON shapes (GraphJSON, EntryJSON) and their writer live in VFShapes so the commands and
// the HTTP API print the same thing; re-exported here so every command file sees them.
@_exported import VFShapes
