# The seed's first example (a comm the kernel opens), verbatim except for the import.
from ipycomm import Comm
comm = Comm(target_name='my_widget')
comm.send({'action': 'update', 'value': 42, 'timestamp': '2023-01-01T00:00:00Z'})
def handle_message(msg):
    data = msg['content']['data']
    print(f"Received: {data}")
    comm.send({'action': 'echo', 'original': data})
comm.on_msg(handle_message)
