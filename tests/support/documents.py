"""Small input documents shared by the input tests."""

PROFILE_YAML = """\
id: tiny
task: text-generation
request:
  input_tokens: 100
  output_tokens: 50
volume:
  requests_per_day: 10
  days_per_year: 200
contract_years: 2
"""
"""A profile small enough to read at a glance: one text-generation request type."""
