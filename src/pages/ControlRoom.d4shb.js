// Control room dashboard page code (Velo). The page holds one <control-room> custom element
// (ID controlRoom); the binding feeds it from the admin web methods and shows results as toasts.
import { bindControlRoom } from 'public/control-room-binding.js';

$w.onReady(() => bindControlRoom($w, '#controlRoom'));
