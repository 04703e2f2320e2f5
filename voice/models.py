"""Voice agents, scripts and provider accounts; prompt rendering; provider clients and webhooks."""
