"""Podman's command tree: name → (implementation "module:attr" or None, one-line help).

The help strings live here so that `podpy --help` lists every command without
importing any of them. A None implementation is a command of Podman's that
podpy does not have yet: it is listed and answers with a clear error.
"""

from __future__ import annotations

Entry = tuple[str | None, str]

_C = "podpy.cli.containers"
_I = "podpy.cli.images"
_S = "podpy.cli.system"
_N = "podpy.cli.networks"
_V = "podpy.cli.volumes"
_SE = "podpy.cli.secrets"
_P = "podpy.cli.pods"
_M = "podpy.cli.manifests"

CONTAINER_VERBS: dict[str, Entry] = {
    "attach": (f"{_C}.attach:attach", "Attach to a running container"),
    "cleanup": (f"{_C}.cleanup:cleanup", "Clean up network and mountpoints of one or more containers"),
    "commit": (f"{_C}.commit:commit", "Create new image based on the changed container"),
    "cp": (f"{_C}.cp:cp", "Copy files/folders between a container and the local filesystem"),
    "create": (f"{_C}.create:create", "Create but do not start a container"),
    "diff": (f"{_C}.diff:container_diff", "Inspect changes to the container's file systems"),
    "exec": (f"{_C}.exec:exec_", "Run a process in a running container"),
    "exists": (f"{_C}.exists:exists", "Check if a container exists in local storage"),
    "export": (f"{_C}.export:export", "Export container's filesystem contents as a tar archive"),
    "init": (f"{_C}.init:init", "Initialize one or more containers"),
    "inspect": (f"{_C}.inspect:inspect", "Display the configuration of a container"),
    "kill": (f"{_C}.kill:kill", "Kill one or more running containers with a specific signal"),
    "logs": (f"{_C}.logs:logs", "Fetch the logs of one or more containers"),
    "ls": (f"{_C}.ps:ps", "List containers"),
    "list": (f"{_C}.ps:ps", "List containers"),
    "mount": (f"{_C}.mount:mount", "Mount a working container's root filesystem"),
    "pause": (f"{_C}.pause:pause", "Pause all the processes in one or more containers"),
    "port": (f"{_C}.port:port", "List port mappings or a specific mapping for the container"),
    "prune": (f"{_C}.prune:prune", "Remove all non running containers"),
    "ps": (f"{_C}.ps:ps", "List containers"),
    "rename": (f"{_C}.rename:rename", "Rename an existing container"),
    "restart": (f"{_C}.restart:restart", "Restart one or more containers"),
    "rm": (f"{_C}.rm:rm", "Remove one or more containers"),
    "run": (f"{_C}.run:run", "Run a command in a new container"),
    "start": (f"{_C}.start:start", "Start one or more containers"),
    "stats": (f"{_C}.stats:stats", "Display a live stream of container resource usage statistics"),
    "stop": (f"{_C}.stop:stop", "Stop one or more containers"),
    "top": (f"{_C}.top:top", "Display the running processes of a container"),
    "unmount": (f"{_C}.mount:unmount", "Unmount working container's root filesystem"),
    "umount": (f"{_C}.mount:unmount", "Unmount working container's root filesystem"),
    "unpause": (f"{_C}.pause:unpause", "Unpause the processes in one or more containers"),
    "update": (f"{_C}.update:update", "Update an existing container"),
    "wait": (f"{_C}.wait:wait", "Block on one or more containers"),
}

IMAGE_VERBS: dict[str, Entry] = {
    "build": (None, "Build an image using instructions from Containerfiles"),
    "diff": (f"{_C}.diff:image_diff", "Inspect changes to the image's file systems"),
    "exists": (f"{_I}.rmi:exists", "Check if an image exists in local storage"),
    "history": (f"{_I}.history:history", "Show history of a specified image"),
    "import": (f"{_I}.import_tarball:import_", "Import a tarball to create a filesystem image"),
    "inspect": (f"{_I}.inspect:inspect", "Display the configuration of an image"),
    "list": (f"{_I}.images:images", "List images in local storage"),
    "load": (f"{_I}.load:load", "Load image(s) from a tar archive"),
    "ls": (f"{_I}.images:images", "List images in local storage"),
    "mount": (f"{_I}.mount:mount", "Mount an image's root filesystem"),
    "prune": (f"{_I}.prune:prune", "Remove unused images"),
    "pull": (f"{_I}.pull:pull", "Pull an image from a registry"),
    "push": (f"{_I}.push:push", "Push an image to a specified destination"),
    "rm": (f"{_I}.rmi:rmi", "Removes one or more images from local storage"),
    "save": (f"{_I}.save:save", "Save image(s) to an archive"),
    "search": (f"{_I}.search:search", "Search registry for image"),
    "tag": (f"{_I}.tag:tag", "Add an additional name to a local image"),
    "tree": (f"{_I}.tree:tree", "Prints layer hierarchy of an image in a tree format"),
    "trust": (None, "Manage container image trust policy"),
    "unmount": (f"{_I}.unmount:unmount", "Unmount an image's root filesystem"),
    "untag": (f"{_I}.tag:untag", "Remove a name from a local image"),
}

SYSTEM_VERBS: dict[str, Entry] = {
    "connection": (None, "Manage remote API service destinations"),
    "df": (None, "Show podman disk usage"),
    "events": (None, "Show podman events"),
    "info": (f"{_S}.info:info", "Display podman system information"),
    "migrate": (None, "Migrate containers"),
    "prune": (None, "Remove unused data"),
    "renumber": (None, "Migrate lock numbers"),
    "reset": (f"{_S}.reset:reset", "Reset podman storage"),
    "service": (None, "Run API service"),
}

NETWORK_VERBS: dict[str, Entry] = {
    "connect": (f"{_N}.connect:connect", "Add container to a network"),
    "create": (f"{_N}.create:create", "Create networks for containers and pods"),
    "disconnect": (f"{_N}.connect:disconnect", "Disconnect a container from a network"),
    "exists": (f"{_N}.exists:exists", "Network exists"),
    "inspect": (f"{_N}.inspect:inspect", "Displays the network configuration for one or more networks"),
    "ls": (f"{_N}.ls:ls", "List networks"),
    "list": (f"{_N}.ls:ls", "List networks"),
    "prune": (f"{_N}.prune:prune", "Prune unused networks"),
    "reload": (f"{_N}.reload:reload", "Reload firewall rules for one or more containers"),
    "rm": (f"{_N}.rm:rm", "Remove networks"),
}

VOLUME_VERBS: dict[str, Entry] = {
    "create": (f"{_V}.create:create", "Create a new volume"),
    "exists": (f"{_V}.exists:exists", "Check if volume exists"),
    "export": (f"{_V}.export:export", "Export volumes"),
    "import": (f"{_V}.import_:import_", "Import a tarball contents into a podman volume"),
    "inspect": (f"{_V}.inspect:inspect", "Display detailed information on one or more volumes"),
    "ls": (f"{_V}.ls:ls", "List volumes"),
    "list": (f"{_V}.ls:ls", "List volumes"),
    "mount": (f"{_V}.mount:mount", "Mount volume"),
    "prune": (f"{_V}.prune:prune", "Remove all unused volumes"),
    "rm": (f"{_V}.rm:rm", "Remove one or more volumes"),
    "unmount": (f"{_V}.unmount:unmount", "Unmount volume"),
}

POD_VERBS: dict[str, Entry] = {
    "create": (f"{_P}.create:create", "Create a new empty pod"),
    "exists": (f"{_P}.exists:exists", "Check if a pod exists in local storage"),
    "inspect": (f"{_P}.inspect:inspect", "Displays a pod configuration"),
    "kill": (f"{_P}.kill:kill", "Send the specified signal or SIGKILL to containers in pod"),
    "logs": (f"{_P}.logs:logs", "Fetch logs for pod with one or more containers"),
    "pause": (f"{_P}.pause:pause", "Pause one or more pods"),
    "prune": (f"{_P}.prune:prune", "Remove all stopped pods and their containers"),
    "ps": (f"{_P}.ps:ps", "List pods"),
    "ls": (f"{_P}.ps:ps", "List pods"),
    "list": (f"{_P}.ps:ps", "List pods"),
    "restart": (f"{_P}.restart:restart", "Restart one or more pods"),
    "rm": (f"{_P}.rm:rm", "Remove one or more pods"),
    "start": (f"{_P}.start:start", "Start one or more pods"),
    "stats": (f"{_P}.stats:stats", "Display a live stream of resource usage statistics for the containers in one "
              "or more pods"),
    "stop": (f"{_P}.stop:stop", "Stop one or more pods"),
    "top": (f"{_P}.top:top", "Display the running processes of containers in a pod"),
    "unpause": (f"{_P}.pause:unpause", "Unpause one or more pods"),
}

SECRET_VERBS: dict[str, Entry] = {
    "create": (f"{_SE}.create:create", "Create a new secret"),
    "exists": (f"{_SE}.exists:exists", "Check if a secret exists"),
    "inspect": (f"{_SE}.inspect:inspect", "Inspect a secret"),
    "ls": (f"{_SE}.ls:ls", "List secrets"),
    "list": (f"{_SE}.ls:ls", "List secrets"),
    "rm": (f"{_SE}.rm:rm", "Remove one or more secrets"),
}

MANIFEST_VERBS: dict[str, Entry] = {
    "add": (f"{_M}.add:add", "Add images to a manifest list or image index"),
    "annotate": (f"{_M}.annotate:annotate",
                 "Add or update information about an entry in a manifest list or image index"),
    "create": (f"{_M}.create:create", "Create manifest list or image index"),
    "exists": (f"{_M}.exists:exists", "Check if a manifest list exists in local storage"),
    "inspect": (f"{_M}.inspect:inspect", "Display the contents of a manifest list or image index"),
    "push": (f"{_M}.push:push", "Push a manifest list or image index to a registry"),
    "remove": (f"{_M}.remove:remove", "Remove an entry from a manifest list or image index"),
    "rm": (f"{_M}.rm:rm", "Remove manifest list or image index from local storage"),
}

GROUPS: dict[str, tuple[dict[str, Entry], str]] = {
    "container": (CONTAINER_VERBS, "Manage containers"),
    "image": (IMAGE_VERBS, "Manage images"),
    "system": (SYSTEM_VERBS, "Manage podman"),
    "generate": ({}, "Generate structured data based on containers, pods or volumes"),
    "healthcheck": ({}, "Manage health checks on containers"),
    "manifest": (MANIFEST_VERBS, "Manipulate manifest lists and image indexes"),
    "network": (NETWORK_VERBS, "Manage networks"),
    "play": ({}, "Play containers, pods or volumes from a structured file"),
    "pod": (POD_VERBS, "Manage pods"),
    "secret": (SECRET_VERBS, "Manage secrets"),
    "volume": (VOLUME_VERBS, "Manage volumes"),
}

TOP_VERBS: dict[str, Entry] = {
    "attach": CONTAINER_VERBS["attach"],
    "auto-update": (None, "Auto update containers according to their auto-update policy"),
    "build": IMAGE_VERBS["build"],
    "commit": CONTAINER_VERBS["commit"],
    "cp": CONTAINER_VERBS["cp"],
    "completion": (f"{_S}.completion:completion", "Generate shell autocompletions"),
    "create": CONTAINER_VERBS["create"],
    "diff": (f"{_C}.diff:diff", "Display the changes to the object's file system"),
    "events": SYSTEM_VERBS["events"],
    "exec": CONTAINER_VERBS["exec"],
    "export": CONTAINER_VERBS["export"],
    "history": IMAGE_VERBS["history"],
    "images": IMAGE_VERBS["list"],
    "import": IMAGE_VERBS["import"],
    "info": SYSTEM_VERBS["info"],
    "init": CONTAINER_VERBS["init"],
    "inspect": (f"{_S}.inspect:inspect", "Display the configuration of object denoted by ID"),
    "kill": CONTAINER_VERBS["kill"],
    "load": IMAGE_VERBS["load"],
    "login": (f"{_I}.login:login", "Login to a container registry"),
    "logout": (f"{_I}.logout:logout", "Logout of a container registry"),
    "logs": CONTAINER_VERBS["logs"],
    "mount": CONTAINER_VERBS["mount"],
    "pause": CONTAINER_VERBS["pause"],
    "port": CONTAINER_VERBS["port"],
    "ps": CONTAINER_VERBS["ps"],
    "pull": IMAGE_VERBS["pull"],
    "push": IMAGE_VERBS["push"],
    "rename": CONTAINER_VERBS["rename"],
    "restart": CONTAINER_VERBS["restart"],
    "rm": CONTAINER_VERBS["rm"],
    "rmi": IMAGE_VERBS["rm"],
    "run": CONTAINER_VERBS["run"],
    "save": IMAGE_VERBS["save"],
    "search": IMAGE_VERBS["search"],
    "start": CONTAINER_VERBS["start"],
    "stats": CONTAINER_VERBS["stats"],
    "stop": CONTAINER_VERBS["stop"],
    "tag": IMAGE_VERBS["tag"],
    "top": CONTAINER_VERBS["top"],
    "unmount": CONTAINER_VERBS["unmount"],
    "umount": CONTAINER_VERBS["unmount"],
    "unpause": CONTAINER_VERBS["unpause"],
    "unshare": (None, "Run a command in a modified user namespace"),
    "untag": IMAGE_VERBS["untag"],
    "update": CONTAINER_VERBS["update"],
    "version": (f"{_S}.version:version", "Display the podpy version information"),
    "wait": CONTAINER_VERBS["wait"],
}
