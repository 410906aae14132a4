"""The function-health console: the function's configuration, invocations, cold starts, cost and logs,
read through a gateway (AWS or local) and shown on admin-only pages under /console/."""
