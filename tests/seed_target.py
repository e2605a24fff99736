# The seed's second example (a kernel target the frontend opens comms to).
from ipycomm import CommManager, Comm
comm_manager = get_ipython().kernel.comm_manager
def handle_widget_comm(comm, open_msg):
    print(f"New comm opened: {comm.comm_id}")
    def on_widget_msg(msg):
        data = msg['content']['data']
        if data.get('action') == 'get_state':
            comm.send({'action': 'state', 'state': {'value': 100, 'enabled': True}})
        elif data.get('action') == 'set_value':
            new_value = data.get('value', 0)
            print(f"Widget value updated to: {new_value}")
            comm.send({'action': 'value_updated', 'value': new_value})
    comm.on_msg(on_widget_msg)
    comm.send({'action': 'initialized', 'widget_id': comm.comm_id})
comm_manager.register_target('my_widget', handle_widget_comm)
