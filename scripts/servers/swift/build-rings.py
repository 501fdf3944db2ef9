"""Write one-replica account, container and object rings (2^10 partitions) of
one device, d1, to SWIFT_DIR. Usage: build-rings.py SWIFT_DIR IP ACCOUNT_PORT
CONTAINER_PORT OBJECT_PORT. Run it with the python3 that has
swift (Debian's /usr/bin/python3): one process instead of nine swift-ring-builder runs."""
import os
import sys

from swift.common.ring import RingBuilder

swift_dir, ip = sys.argv[1], sys.argv[2]
ports = dict(zip(("account", "container", "object"), map(int, sys.argv[3:6])))
for name, port in ports.items():
    builder = RingBuilder(10, 1, 1)
    builder.add_dev({"region": 1, "zone": 1, "ip": ip, "port": port, "device": "d1", "weight": 1})
    builder.rebalance()
    builder.save(os.path.join(swift_dir, name + ".builder"))
    builder.get_ring().save(os.path.join(swift_dir, name + ".ring.gz"))
