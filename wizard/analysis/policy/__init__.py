"""IAM policy evaluation for execute-api, the way IAM and API Gateway do it.

The modules, each imported by its own path (this package re-exports nothing):

- ``parse``: read a policy document in any form people paste into checked ``Policy`` data;
- ``request``: the request (``RequestContext``) and the condition keys IAM would see for it;
- ``keys``: the global condition keys as data (type, single/multivalued, always/sometimes set);
- ``variables``: policy variables (``${aws:username}``, defaults, escapes) substituted;
- ``conditions``: the Condition operators;
- ``principals`` / ``resources``: Principal, NotPrincipal, Resource and NotResource matching;
- ``lint``: what IAM Access Analyzer would flag, found once when a policy is read;
- ``evaluate``: ``evaluate_policy``, statement by statement, with the explanation;
- ``fix``: the smallest corrected resource policy for one caller and one call.

User guide: docs/policy-evaluation.md.
"""
