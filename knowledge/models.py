"""Knowledge entries and documents, their chunks, search and retrieval for prompts."""
