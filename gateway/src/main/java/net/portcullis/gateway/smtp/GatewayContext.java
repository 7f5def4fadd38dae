package net.portcullis.gateway.smtp;

import net.portcullis.gateway.admin.Metrics;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.policy.PolicyEngine;

/** What every transaction shares. */
public record GatewayContext(GatewayConfig config, PolicyEngine policy, Downstreams pool, DecisionLog log,
                      ConnectionGate gate, InFlight inflight, Metrics metrics,
                      net.portcullis.policy.reports.ReportIntake reports, net.portcullis.policy.store.HoldStore holds,
                      net.portcullis.policy.rate.RateLimits rates, Tarpit tarpit, net.portcullis.policy.greylist.Greylist greylist) { }
