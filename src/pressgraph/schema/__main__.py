import json

from pressgraph.schema import build_schema

print(json.dumps(build_schema(), indent=2))
