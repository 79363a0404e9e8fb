"""Sample extracts for Parebrick DW: a deterministic contact-center simulation with its own ground truth.

`parebrick generate --out DIR` writes:
  DIR/inbox/cms/uccx_{contact_call_detail,contact_queue_detail,agent_connection_detail}/<UCCX table>_<YYYYMMDD>.csv
        one extract per Moscow-time day of the contact's start (UTC timestamps inside)
  DIR/inbox/cms/uccx_resource/, uccx_contact_service_queue/     versioned dictionaries (one file)
  DIR/inbox/crm/appeals/appeals_<YYYYMMDD>.csv                  Windows-1251, `;`, Moscow time; appeals
        resolved later are re-sent with their final status in a later day's file
  DIR/inbox/crm/script_runs/script_runs_<YYYYMMDD>.csv          same dialect, per day of the appeal
  DIR/inbox/crm/{campaigns,campaign_members,communications}/...   the CRM's campaign module (seed 003,
        campaigns.py, groups/campaigns.py): campaigns over the subscriber base, whose contracts billing records
  DIR/inbox/brm/accounts/accounts_<day>_{full,delta,resend}.csv
  DIR/inbox/brm/{charges,payments}/<table>_<YYYYMM>.csv         one file per month
  DIR/inbox/wfm/{staff,schedules,forecasts}/...
  DIR/inbox/saas/{companies,people,billing,activities}/<table>_<YYYYMMDD>_full.csv, <table>_<YYYYMM>.csv
        the cloud service of seed 004 over its own span of about three years (subscriptions.py)
  DIR/omnichat/chats.jsonl                                      every chat version, for `parebrick omnichat-api`
  DIR/truth/v_cc_service_daily.csv, v_crm_cms_reconciliation_daily.csv   ground truth (see truth.py)
  DIR/truth/v_appeal_funnel_monthly.csv, README.md                        funnel truth (see funnel.py)
  DIR/truth/v_saas_churn_monthly.csv, v_saas_companies.csv, saas_*.csv   churn truth (see saas_truth.py)
  DIR/truth/mkt_campaign_results.csv, mkt_campaign_members.csv, mkt_planted.json   campaigns (campaign_truth.py)
  DIR/manifest.json                                                       arguments, files, planted defects

The code: `simulation.py` simulates the period once; `groups/` has one module per source group that writes
that group's extracts from it and plants its delivery defects (`groups/__init__.py` says why, and is where a
group is registered); `runner.generate` runs the steps.
"""

from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.runner import generate

__all__ = ["RunSpec", "SimParams", "generate"]
