-- A line of the process log names one of the steps the app knows (civil::Step), so the log
-- can be shown in every language without a fallback.
alter table dossier_step add constraint dossier_step_step check (step in (
    'received', 'corrected', 'reviewed', 'supplement_requested', 'supplement_received', 'refused',
    'sent_to_chairman', 'signed', 'delivered',
    'residence_registration', 'health_insurance_card', 'residence_deregistration', 'funeral_allowance'
));
