"""Sample extracts for Parebrick DW: a deterministic contact-center simulation with its own ground truth.

`parebrick generate --out DIR` writes:
  DIR/inbox/cms/uccx_{contact_call_detail,contact_queue_detail,agent_connection_detail}/<UCCX table>_<YYYYMMDD>.csv
        one extract per Moscow-time day of the contact's start (UTC timestamps inside)
  DIR/inbox/cms/uccx_resource/, uccx_contact_service_queue/     versioned dictionaries (one file)
  DIR/inbox/crm/appeals/appeals_<YYYYMMDD>.csv                  Windows-1251, `;`, Moscow time
  DIR/inbox/brm/accounts/accounts_<day>_{full,delta,resend}.csv
  DIR/inbox/wfm/{staff,schedules,forecasts}/...
  DIR/truth/v_cc_service_daily.csv, v_crm_cms_reconciliation_daily.csv   ground truth (see truth.py)
  DIR/manifest.json                                                       arguments, files, planted defects
"""

from parebrick.generate.params import RunSpec, SimParams
from parebrick.generate.runner import generate

__all__ = ["RunSpec", "SimParams", "generate"]
