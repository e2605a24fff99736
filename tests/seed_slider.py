# The seed's SimpleSlider example, verbatim except for the import.
from ipycomm import Comm
import threading
import time
class SimpleSlider:
    """Example interactive widget using comms."""
    def __init__(self, min_val=0, max_val=100, initial_val=50):
        self.min_val = min_val
        self.max_val = max_val
        self.value = initial_val
        self.observers = []
        # Create comm for frontend communication
        self.comm = Comm(target_name='simple_slider')
        self.comm.on_msg(self._handle_frontend_msg)
        # Send initial configuration
        self.comm.send({
            'action': 'create',
            'config': {
                'min': self.min_val,
                'max': self.max_val,
                'value': self.value
            }
        })
    def _handle_frontend_msg(self, msg):
        """Handle messages from frontend."""
        data = msg['content']['data']
        if data.get('action') == 'value_change':
            new_value = data.get('value')
            if self.min_val <= new_value <= self.max_val:
                old_value = self.value
                self.value = new_value
                # Notify observers
                for callback in self.observers:
                    callback(old_value, new_value)
    def observe(self, callback):
        """Register callback for value changes."""
        self.observers.append(callback)
    def set_value(self, value):
        """Programmatically set value."""
        if self.min_val <= value <= self.max_val:
            self.value = value
            self.comm.send({
                'action': 'update_value',
                'value': value
            })
# Usage
slider = SimpleSlider(0, 255, 128)
def on_value_change(old_val, new_val):
    print(f"Slider changed from {old_val} to {new_val}")
slider.observe(on_value_change)
