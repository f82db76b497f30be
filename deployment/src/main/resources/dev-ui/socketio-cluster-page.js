import { LitElement } from 'lit';
import { JsonRpc } from 'jsonrpc';
import { notifier } from 'notifier';

/**
 * What the pages of the Socket.IO cluster card share: the JSON-RPC client, the live state (workers and sockets,
 * streamed while the page is shown, handed to stateChanged), and the answer of an action shown as a notification.
 */
export class SocketioClusterPage extends LitElement {

    jsonRpc = new JsonRpc(this);

    connectedCallback() {
        super.connectedCallback();
        this._stateStream = this.jsonRpc.streamState().onNext(response => this.stateChanged(response.result));
    }

    disconnectedCallback() {
        if (this._stateStream) {
            this._stateStream.cancel();
        }
        super.disconnectedCallback();
    }

    /** The live state: {workers, sockets}. */
    stateChanged(state) {
    }

    /** Shows the answer of an action ({success, message}). */
    notify(response) {
        if (response.result.success) {
            notifier.showSuccessMessage(response.result.message);
        } else {
            notifier.showErrorMessage(response.result.message);
        }
    }
}
