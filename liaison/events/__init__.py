"""Training sessions and exchange meetings: input and its validation, the lifecycle (draft,
published, cancelled; the sequence rule), series, who may see which event (`queries`), the
direction ("Rights holder → Customs") and the anonymous page cache's clock.
Changes that matter to seats and registrants go out as `signals`.

May import: core, mail, accounts."""
from liaison.events import models  # noqa: F401  (mapped with the rest: liaison.load)
