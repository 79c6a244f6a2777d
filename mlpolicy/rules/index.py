"""Which module defines each rule, and the requirement it guards: the registry's static index.

The engine reads it to import only the rule modules a run needs (a phase that does not
require monitoring never imports the monitoring rules or their readers). A test checks it
against the rules the modules really define. Ids are stable: never renumber.
"""

from __future__ import annotations

# id: (module under mlpolicy.rules, requirement guarded or None when always checked)
RULE_INDEX: dict[str, tuple[str, str | None]] = {
    "MLP001": ("manifest", None),
    "MLP002": ("manifest", None),
    "MLP003": ("manifest", None),
    "MLP004": ("manifest", None),
    "MLP005": ("waivers", None),
    "MLP006": ("waivers", None),
    "MLP007": ("waivers", None),
    "MLP008": ("paths", None),
    "MLP009": ("unreadable", None),
    "MLP101": ("design_doc", "design_doc"),
    "MLP102": ("design_doc", "design_doc"),
    "MLP103": ("design_doc", "design_doc"),
    "MLP104": ("design_doc", "design_doc"),
    "MLP105": ("design_doc", "design_doc_approved"),
    "MLP201": ("experiments", "experiments"),
    "MLP202": ("experiments", "experiments"),
    "MLP203": ("experiments", "experiments"),
    "MLP204": ("experiments", "experiments"),
    "MLP205": ("experiment_staleness", "experiments"),
    "MLP206": ("experiments", "quality_bar"),
    "MLP207": ("experiments", "quality_bar"),
    "MLP208": ("stores", "experiments"),
    "MLP301": ("pipelines", "pipelines"),
    "MLP302": ("pipelines", "pipelines"),
    "MLP303": ("validation", "pipeline_validation"),
    "MLP304": ("validation", "pipeline_validation"),
    "MLP305": ("validation", "pipeline_validation"),
    "MLP306": ("pipeline_lock", "pipelines"),
    "MLP401": ("monitoring", "monitoring"),
    "MLP402": ("monitoring", "monitoring"),
    "MLP403": ("monitoring", "monitoring"),
    "MLP404": ("monitoring", "monitoring"),
    "MLP405": ("monitoring", "logging"),
    "MLP406": ("model_card", "model_card"),
    "MLP407": ("model_card", "model_card"),
    "MLP408": ("monitoring", "monitoring"),
    "MLP501": ("git", None),
    "MLP502": ("change", None),
    "MLP503": ("change", None),
    "MLP504": ("change", None),
    "MLP505": ("git", None),
}
