//! Table definitions shared by both backends (the SQL lives in `migrations/`).

diesel::table! {
    organisations (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        password_hash -> Text,
        organisation_id -> Integer,
        created_at -> Timestamp,
        active -> Integer,
        must_change_password -> Integer,
        token_epoch -> Integer,
        directory -> Integer,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Integer,
        role -> Text,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    trajectory_assumptions (organisation_id) {
        organisation_id -> Integer,
        document -> Text,
        version -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    trajectory_targets (organisation_id, job_profile_id, year) {
        organisation_id -> Integer,
        job_profile_id -> Integer,
        year -> Integer,
        etp -> Double,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(organisations, users, user_roles, settings);

diesel::table! {
    competencies (id) {
        id -> Integer,
        code -> Text,
        label -> Text,
        category -> Text,
        definition -> Text,
        is_new -> Integer,
        arc -> Text,
        status -> Text,
        level_1 -> Text,
        level_2 -> Text,
        level_3 -> Text,
        level_4 -> Text,
        version -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    competency_aliases (competency_id, alias) {
        competency_id -> Integer,
        alias -> Text,
    }
}

diesel::table! {
    competency_versions (competency_id, version) {
        competency_id -> Integer,
        version -> Integer,
        author -> Text,
        created_at -> Timestamp,
        snapshot -> Text,
    }
}

diesel::table! {
    job_profiles (id) {
        id -> Integer,
        code -> Text,
        current_version -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_profile_versions (id) {
        id -> Integer,
        job_profile_id -> Integer,
        version -> Integer,
        status -> Text,
        author -> Text,
        created_at -> Timestamp,
        status_changed_by -> Nullable<Text>,
        status_changed_at -> Nullable<Timestamp>,
        title -> Text,
        purpose -> Text,
        activities -> Text,
        environment -> Text,
        recruitment_diploma -> Text,
        recruitment_internal_profile -> Text,
        recruitment_selection -> Text,
        recruitment -> Text,
    }
}

diesel::table! {
    job_profile_requirements (version_id, position) {
        version_id -> Integer,
        position -> Integer,
        competency_id -> Integer,
        level -> Integer,
        source_label -> Text,
    }
}

diesel::table! {
    branch_activities (code) {
        code -> Text,
        label -> Text,
        position -> Integer,
    }
}

diesel::table! {
    job_profile_activity_roles (version_id, activity_code) {
        version_id -> Integer,
        activity_code -> Text,
        role -> Text,
        note -> Text,
    }
}

diesel::joinable!(competency_aliases -> competencies (competency_id));
diesel::joinable!(competency_versions -> competencies (competency_id));
diesel::joinable!(job_profile_versions -> job_profiles (job_profile_id));
diesel::joinable!(job_profile_requirements -> job_profile_versions (version_id));
diesel::joinable!(job_profile_requirements -> competencies (competency_id));
diesel::joinable!(job_profile_activity_roles -> job_profile_versions (version_id));
diesel::joinable!(job_profile_activity_roles -> branch_activities (activity_code));
diesel::allow_tables_to_appear_in_same_query!(
    competencies,
    competency_aliases,
    competency_versions,
    job_profiles,
    job_profile_versions,
    job_profile_requirements,
    branch_activities,
    job_profile_activity_roles,
);

diesel::table! {
    agents (id) {
        id -> Integer,
        organisation_id -> Integer,
        matricule -> Text,
        last_name -> Text,
        first_name -> Text,
        unit -> Text,
        manager_matricule -> Nullable<Text>,
        job_profile_id -> Nullable<Integer>,
        fte -> Double,
        start_date -> Date,
        end_date -> Nullable<Date>,
        version -> Integer,
        updated_at -> Timestamp,
        productivity -> Double,
        ramp_up -> Integer,
        birth_date -> Nullable<Date>,
        contract -> Text,
        departure_date -> Nullable<Date>,
        departure_reason -> Nullable<Text>,
    }
}

diesel::table! {
    assessments (id) {
        id -> Integer,
        agent_id -> Integer,
        competency_id -> Integer,
        level -> Integer,
        assessed_on -> Date,
        assessor -> Text,
        source -> Text,
        comment -> Text,
        evidence_ref -> Text,
        valid_until -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::joinable!(agents -> organisations (organisation_id));
diesel::joinable!(agents -> job_profiles (job_profile_id));
diesel::joinable!(trajectory_targets -> organisations (organisation_id));
diesel::joinable!(trajectory_targets -> job_profiles (job_profile_id));
diesel::allow_tables_to_appear_in_same_query!(trajectory_targets, organisations);
diesel::allow_tables_to_appear_in_same_query!(trajectory_targets, job_profiles);
diesel::allow_tables_to_appear_in_same_query!(job_profiles, organisations);
diesel::joinable!(assessments -> agents (agent_id));
diesel::joinable!(assessments -> competencies (competency_id));
// One invocation per pair: the tables of the earlier groups already pair among themselves.
diesel::allow_tables_to_appear_in_same_query!(agents, assessments);
diesel::allow_tables_to_appear_in_same_query!(agents, organisations);
diesel::allow_tables_to_appear_in_same_query!(agents, job_profiles);
diesel::allow_tables_to_appear_in_same_query!(agents, competencies);
diesel::allow_tables_to_appear_in_same_query!(assessments, organisations);
diesel::allow_tables_to_appear_in_same_query!(assessments, job_profiles);
diesel::allow_tables_to_appear_in_same_query!(assessments, competencies);

diesel::table! {
    current_levels (agent_id, competency_id) {
        agent_id -> Integer,
        organisation_id -> Integer,
        competency_id -> Integer,
        assessment_id -> Integer,
        level -> Integer,
        assessed_on -> Date,
        valid_until -> Nullable<Date>,
    }
}

diesel::joinable!(current_levels -> agents (agent_id));
diesel::joinable!(current_levels -> competencies (competency_id));
diesel::allow_tables_to_appear_in_same_query!(current_levels, agents);
diesel::allow_tables_to_appear_in_same_query!(current_levels, competencies);
diesel::allow_tables_to_appear_in_same_query!(current_levels, assessments);
diesel::allow_tables_to_appear_in_same_query!(organisations, competencies);

diesel::table! {
    activities (id) {
        id -> Integer,
        organisation_id -> Integer,
        code -> Text,
        label -> Text,
        minutes_per_item -> Double,
        backlog_normal_max -> Double,
        backlog_critical_max -> Double,
        temp_eligible -> Integer,
        branch_activity -> Nullable<Text>,
        version -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
        priority -> Double,
        min_fte -> Double,
        standard_changes -> Text,
    }
}

diesel::table! {
    activity_requirements (activity_id, competency_id) {
        activity_id -> Integer,
        competency_id -> Integer,
        min_level -> Integer,
    }
}

diesel::table! {
    activity_actuals (activity_id, period) {
        activity_id -> Integer,
        period -> Text,
        entries -> Double,
        processed -> Double,
        stock -> Double,
        adjustment -> Double,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    load_sets (id) {
        id -> Integer,
        organisation_id -> Integer,
        name -> Text,
        period_from -> Text,
        period_to -> Text,
        method -> Text,
        version -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    load_set_rows (load_set_id, activity_id, period) {
        load_set_id -> Integer,
        activity_id -> Integer,
        period -> Text,
        forecast -> Double,
        p80 -> Double,
        p95 -> Double,
        lo80 -> Double,
        hi80 -> Double,
        lo95 -> Double,
        hi95 -> Double,
        adjusted -> Nullable<Double>,
        adjusted_by -> Nullable<Text>,
        adjusted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_months (activity_id, period) {
        activity_id -> Integer,
        period -> Text,
        volume -> Double,
        opening_backlog -> Nullable<Double>,
    }
}

diesel::table! {
    agent_unavailability (agent_id, period, kind) {
        agent_id -> Integer,
        period -> Text,
        kind -> Text,
        hours -> Double,
    }
}

diesel::table! {
    planning_settings (organisation_id) {
        organisation_id -> Integer,
        hours_per_fte -> Double,
        pools -> Text,
        penalties -> Text,
        variance -> Nullable<Text>,
        version -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
        ramp_up -> Nullable<Text>,
        units -> Nullable<Text>,
    }
}

diesel::table! {
    plans (id) {
        id -> Integer,
        organisation_id -> Integer,
        name -> Text,
        status -> Text,
        period_from -> Text,
        period_to -> Text,
        time_limit -> Double,
        scenario -> Text,
        result -> Nullable<Text>,
        solver_status -> Nullable<Text>,
        objective -> Nullable<Double>,
        error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        heartbeat_at -> Nullable<Timestamp>,
        attempts -> Integer,
        idempotency_key -> Nullable<Text>,
        scenario_discarded_at -> Nullable<Timestamp>,
        overrides -> Nullable<Text>,
        closed_months -> Nullable<Text>,
        load_choice -> Nullable<Text>,
        kind -> Text,
    }
}

diesel::table! {
    sign_in_failures (subject) {
        subject -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(activity_requirements -> activities (activity_id));
diesel::joinable!(activity_requirements -> competencies (competency_id));
diesel::joinable!(activity_months -> activities (activity_id));
diesel::joinable!(activity_actuals -> activities (activity_id));
diesel::joinable!(agent_unavailability -> agents (agent_id));
diesel::allow_tables_to_appear_in_same_query!(activities, activity_requirements);
diesel::allow_tables_to_appear_in_same_query!(activity_requirements, competencies);
diesel::allow_tables_to_appear_in_same_query!(activities, competencies);
diesel::allow_tables_to_appear_in_same_query!(activities, activity_months);
diesel::allow_tables_to_appear_in_same_query!(activities, activity_actuals);
diesel::joinable!(load_set_rows -> activities (activity_id));
diesel::joinable!(load_set_rows -> load_sets (load_set_id));
diesel::allow_tables_to_appear_in_same_query!(activities, load_set_rows);
diesel::allow_tables_to_appear_in_same_query!(load_sets, load_set_rows);
diesel::joinable!(load_sets -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(load_sets, organisations);
diesel::allow_tables_to_appear_in_same_query!(agent_unavailability, agents);
diesel::allow_tables_to_appear_in_same_query!(activities, organisations);
diesel::joinable!(plans -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(plans, organisations);

diesel::table! {
    training_modules (id) {
        id -> Integer,
        campus_id -> Integer,
        code -> Text,
        title -> Text,
        duration_hours -> Double,
        version -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    module_competencies (module_id, competency_id) {
        module_id -> Integer,
        competency_id -> Integer,
        target_level -> Integer,
    }
}

diesel::table! {
    trainers (id) {
        id -> Integer,
        campus_id -> Integer,
        agent_id -> Integer,
        adfo_date -> Nullable<Date>,
        listed_at -> Timestamp,
        listed_by -> Text,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    trainer_modules (trainer_id, module_id) {
        trainer_id -> Integer,
        module_id -> Integer,
    }
}

diesel::table! {
    engagements (id) {
        id -> Integer,
        trainer_id -> Integer,
        campus_id -> Integer,
        employer_id -> Integer,
        status -> Text,
        period -> Integer,
        start_date -> Date,
        end_date -> Date,
        hours_per_year -> Double,
        next_start_date -> Nullable<Date>,
        next_end_date -> Nullable<Date>,
        next_hours_per_year -> Nullable<Double>,
        version -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        reserve_in_plans -> Integer,
    }
}

diesel::table! {
    engagement_agreements (engagement_id, period, party) {
        engagement_id -> Integer,
        period -> Integer,
        party -> Text,
        agreed_by -> Text,
        agreed_at -> Timestamp,
        consent_reference -> Nullable<Text>,
        consent_date -> Nullable<Date>,
    }
}

diesel::table! {
    engagement_events (id) {
        id -> Integer,
        engagement_id -> Integer,
        from_status -> Nullable<Text>,
        to_status -> Text,
        period -> Integer,
        start_date -> Date,
        end_date -> Date,
        note -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Integer,
        campus_id -> Integer,
        reference -> Text,
        module_id -> Integer,
        start_date -> Date,
        end_date -> Date,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    session_trainers (session_id, trainer_id) {
        session_id -> Integer,
        trainer_id -> Integer,
        hours -> Double,
    }
}

diesel::table! {
    session_trainees (session_id, agent_id) {
        session_id -> Integer,
        agent_id -> Integer,
        proposed_by -> Text,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    trainer_evaluations (id) {
        id -> Integer,
        session_id -> Integer,
        trainer_id -> Integer,
        evaluator -> Text,
        trainee_agent_id -> Nullable<Integer>,
        score -> Integer,
        comment -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::joinable!(module_competencies -> training_modules (module_id));
diesel::joinable!(module_competencies -> competencies (competency_id));
diesel::joinable!(trainers -> agents (agent_id));
diesel::joinable!(trainer_modules -> trainers (trainer_id));
diesel::joinable!(trainer_modules -> training_modules (module_id));
diesel::joinable!(engagements -> trainers (trainer_id));
diesel::joinable!(engagement_agreements -> engagements (engagement_id));
diesel::joinable!(engagement_events -> engagements (engagement_id));
diesel::joinable!(training_sessions -> training_modules (module_id));
diesel::joinable!(session_trainers -> training_sessions (session_id));
diesel::joinable!(session_trainers -> trainers (trainer_id));
diesel::joinable!(session_trainees -> training_sessions (session_id));
diesel::joinable!(session_trainees -> agents (agent_id));
diesel::allow_tables_to_appear_in_same_query!(
    training_modules,
    module_competencies,
    trainers,
    trainer_modules,
    engagements,
    engagement_agreements,
    engagement_events,
    training_sessions,
    session_trainers,
    session_trainees,
    trainer_evaluations,
);
diesel::allow_tables_to_appear_in_same_query!(module_competencies, competencies);
diesel::allow_tables_to_appear_in_same_query!(trainers, agents);
diesel::allow_tables_to_appear_in_same_query!(trainers, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_trainers, agents);
diesel::allow_tables_to_appear_in_same_query!(session_trainees, agents);
diesel::allow_tables_to_appear_in_same_query!(training_sessions, agents);
diesel::allow_tables_to_appear_in_same_query!(training_modules, organisations);
diesel::allow_tables_to_appear_in_same_query!(engagements, organisations);
diesel::allow_tables_to_appear_in_same_query!(engagements, agents);
diesel::allow_tables_to_appear_in_same_query!(trainer_modules, agents);
diesel::allow_tables_to_appear_in_same_query!(trainer_evaluations, agents);
diesel::allow_tables_to_appear_in_same_query!(training_sessions, organisations);
diesel::joinable!(trainer_evaluations -> training_sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(session_trainers, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_trainees, organisations);
diesel::allow_tables_to_appear_in_same_query!(trainer_evaluations, organisations);
diesel::allow_tables_to_appear_in_same_query!(trainer_modules, organisations);
diesel::allow_tables_to_appear_in_same_query!(module_competencies, organisations);
diesel::allow_tables_to_appear_in_same_query!(engagement_agreements, organisations);
diesel::allow_tables_to_appear_in_same_query!(engagement_events, organisations);
diesel::allow_tables_to_appear_in_same_query!(training_modules, agents);
diesel::allow_tables_to_appear_in_same_query!(module_competencies, agents);
diesel::allow_tables_to_appear_in_same_query!(engagement_agreements, agents);
diesel::allow_tables_to_appear_in_same_query!(engagement_events, agents);

diesel::table! {
    audit_records (id) {
        id -> Integer,
        at -> Timestamp,
        organisation_id -> Nullable<Integer>,
        actor_user_id -> Nullable<Integer>,
        actor -> Text,
        channel -> Text,
        request_id -> Text,
        entity -> Text,
        entity_key -> Text,
        action -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        counts -> Nullable<Text>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Integer,
        secret_hash -> Text,
        user_id -> Integer,
        token_epoch -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    user_agents (user_id) {
        user_id -> Integer,
        agent_id -> Integer,
    }
}

diesel::joinable!(user_agents -> users (user_id));
diesel::joinable!(user_agents -> agents (agent_id));
diesel::allow_tables_to_appear_in_same_query!(user_agents, users);
diesel::allow_tables_to_appear_in_same_query!(user_agents, agents);
diesel::allow_tables_to_appear_in_same_query!(user_agents, trainers);
diesel::allow_tables_to_appear_in_same_query!(user_agents, organisations);
diesel::allow_tables_to_appear_in_same_query!(user_agents, user_roles);
diesel::allow_tables_to_appear_in_same_query!(user_agents, engagements);

diesel::table! {
    facilitation_trainings (id) {
        id -> Integer,
        trainer_id -> Integer,
        course -> Text,
        taken_on -> Date,
        recorded_at -> Timestamp,
        recorded_by -> Text,
    }
}

diesel::table! {
    campus_settings (campus_id) {
        campus_id -> Integer,
        facilitation_months -> Integer,
    }
}

diesel::joinable!(facilitation_trainings -> trainers (trainer_id));
diesel::allow_tables_to_appear_in_same_query!(facilitation_trainings, trainers);
diesel::allow_tables_to_appear_in_same_query!(facilitation_trainings, agents);
