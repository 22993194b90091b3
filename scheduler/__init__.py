"""Scheduling of meetings, check-ins, digests and escalations (arrives with meetings).

Domain schedules live in storage; APScheduler jobs are rebuilt from them at start, and
each firing claims its occurrence in storage (`Storage.claim_occurrence`) before it
produces any delivery, so a restart or a second process never sends it twice.
"""
