"""The edge: reading documents, usage logs and benchmark records into validated values."""
