"""The plumbing between a request and a view: Lambda's HTTP details, views loaded on first use, static file URLs
under the stage prefix, the one integer parser, the reader's time zone, and the htmx request type."""
