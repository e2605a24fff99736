/**
 * Which view shows which comm: sliders get a slider, any other target the message console
 * (so display() of any comm shows something useful).
 */
import { Widget } from '@lumino/widgets';
import { CommModel } from '../comms/model';
import { MyWidgetView } from './mywidget';
import { SLIDER_TARGET } from '../kernel/protocol';
import { SliderView } from './slider';

export function createView(model: CommModel): Widget {
  return model.targetName === SLIDER_TARGET
    ? new SliderView(model)
    : new MyWidgetView(model);
}
