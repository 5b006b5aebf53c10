"""Pure domain of the self-coaching app: personas, plans, log reading, weekly value metrics."""
