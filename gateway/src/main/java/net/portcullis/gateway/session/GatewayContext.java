package net.portcullis.gateway.session;

import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.log.DecisionLog;
import net.portcullis.gateway.metrics.Metrics;
import net.portcullis.policy.PolicyEngine;
import net.portcullis.policy.reports.ReportIntake;
import net.portcullis.policy.store.HoldStore;

/**
 * What every transaction of both shapes shares: the configuration and policy in force (a reload
 * swaps the whole record; a transaction keeps the one it began with), the decision log, the
 * shutdown flag, the count of transactions in progress, the metrics, the report intake (null
 * when reports.address is off), the hold store, and the check modules' observers.
 */
public record GatewayContext(GatewayConfig config, PolicyEngine policy, DecisionLog log, Drain drain, InFlight inflight,
                             Metrics metrics, ReportIntake reports, HoldStore holds, Observers observers) { }
