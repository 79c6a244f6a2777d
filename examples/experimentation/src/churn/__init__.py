"""Churn prediction for the retention team's weekly outreach list."""
