"""Reading scenario packs: strict YAML, fields, the scenario format, the search path, languages, authoring."""
