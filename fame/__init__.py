"""FameEngine's shared ground floor: configuration, the deployment manifest, the
chain client, process supervision and the `fame` command line.

Services (oracle/, ai_worker/) build on this package; it never imports them
(the CLI loads a service's commands lazily, inside the subcommand).
"""

__version__ = "0.1.0"
