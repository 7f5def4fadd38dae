package net.portcullis.gateway.smtp;

import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.DownstreamPool;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.policy.RelayStage;

/** What every transaction shares. */
record GatewayContext(GatewayConfig config, RelayStage relay, DownstreamPool pool, DecisionLog log,
                      ConnectionGate gate, InFlight inflight) { }
