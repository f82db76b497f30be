package io.quarkiverse.socketio.deployment.devui;

import io.quarkiverse.socketio.runtime.dev.SocketIOJsonRpcService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/** The Dev UI card "Socket.IO cluster": its pages, and the JSON-RPC methods they call. */
public class SocketIODevUIProcessor {

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    CardPageBuildItem clusterCard() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Workers")
                .icon("font-awesome-solid:server")
                .componentLink("qwc-socketio-workers.js")
                .streamingLabelJsonRPCMethodName("streamSocketCount"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Rooms and sockets")
                .icon("font-awesome-solid:plug")
                .componentLink("qwc-socketio-sockets.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Cluster servers")
                .icon("font-awesome-solid:network-wired")
                .componentLink("qwc-socketio-servers.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Events")
                .icon("font-awesome-solid:list")
                .componentLink("qwc-socketio-events.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Activity")
                .icon("font-awesome-solid:chart-line")
                .componentLink("qwc-socketio-activity.js"));
        return card;
    }

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    JsonRPCProvidersBuildItem clusterJsonRpc() {
        return new JsonRPCProvidersBuildItem(SocketIOJsonRpcService.class);
    }
}
