"""The models of the property app (one Django app, label ``property``, one migration history), defined in its
two sub-domains that hold data: the registry (:mod:`muang.property.registry.models`) and tax years, prices
and the assessment (:mod:`muang.property.assessment.models`). Django reads them all from here."""

from muang.property.assessment.models import *  # noqa: F403
from muang.property.registry.models import *  # noqa: F403
