"""Anonymous feedback: `/feedback`, facilitators' review, digests and "you said, we did".

- `feature`: the commands and the form members send feedback with;
- `digests`: releasing a day's feedback for review, and the scheduled digests;
- `review`: the facilitators' list, hiding and "you said, we did";
- `store`: the records and the store port (SQL in storage/feedback/);
- `config`: the `[feedback]` section; `wording`: what the feature says;
- `limiter`: the daily limit that cannot say whose count is whose.

`package` declares it to the registry (`PACKAGE`) and holds what other features may
use: `FeedbackConfig` (welcome tells the facilitators' channel about newcomers); they
may also use the store's records (`store`). This file stays light, so that importing
the store port (as storage does) loads nothing else.
"""
