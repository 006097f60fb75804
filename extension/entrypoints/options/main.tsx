import '../../assets/ui.css';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { localizePage } from '../../lib/i18n';
import { type PortLike, createViewClient } from '../../lib/view-port';
import { OptionsApp } from './app';

localizePage(document, 'optionsTitle');
const client = createViewClient((info) => browser.runtime.connect(info) as unknown as PortLike);
render(<OptionsApp client={client} extensionId={browser.runtime.id} />, document.getElementById('app')!);
