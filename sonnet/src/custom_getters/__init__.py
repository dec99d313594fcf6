"""Custom getters (`snt.custom_getters`). Import them from `sonnet` instead."""
