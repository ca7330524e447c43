from tests.hub.conftest import hub_catalogue, make_system  # noqa: F401  (fixtures shared with the hub's tests)
from tests.jutogai.conftest import jutogai  # noqa: F401
from tests.registry.conftest import clerk, towns  # noqa: F401
