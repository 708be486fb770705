"""The partnership bulletin: article submissions, quarterly editions, distribution and feedback."""
