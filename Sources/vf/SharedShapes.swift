// The JSON shapes (GraphJSON, EntryJSON) live in VFAPI so the commands and the HTTP API print
// the same thing; re-exported here so every command file sees them without importing VFAPI itself.
@_exported import VFAPI
