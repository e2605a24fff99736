import './base.css';
import './inspector.css';
