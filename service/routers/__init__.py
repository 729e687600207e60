"""One router per resource: citizens (records by citizen id), records (one record, field
evidence), search (candidates by name and date of birth), health."""
