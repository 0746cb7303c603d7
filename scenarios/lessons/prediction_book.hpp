#pragma once
// The predictions of a lesson as the class answers them: which are asked before the next step,
// which are revealed, and whether a step must wait for answers. Live and recorded lesson
// playback both keep one, so a question works the same in front of a live run and a replay.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <vector>

#include "scenarios/lessons/lesson.hpp"

namespace loopscope::scenarios {

class PredictionBook {
 public:
  explicit PredictionBook(const std::vector<Prediction>& predictions)
      : predictions_(&predictions), answers_(predictions.size()) {}

  // Asked before step `next_step` and not yet revealed, as indexes into the predictions.
  std::vector<std::size_t> open_before(std::size_t next_step, std::size_t step_count) const {
    std::vector<std::size_t> open;
    if (next_step >= step_count) return open;
    for (std::size_t index = 0; index < predictions_->size(); ++index) {
      if ((*predictions_)[index].before_step == next_step) open.push_back(index);
    }
    return open;
  }
  // A prediction is revealed once the step that tells its answer has fired.
  bool revealed(std::size_t prediction_index, std::size_t next_step) const {
    return predictions_->at(prediction_index).reveal_step < next_step;
  }
  // Step `step_index` waits while a prediction it reveals has no answer, unless released.
  bool must_hold(std::size_t step_index) const {
    if (released_step_ == step_index) return false;
    for (std::size_t index = 0; index < predictions_->size(); ++index) {
      if ((*predictions_)[index].before_step == step_index && !answers_[index]) return true;
    }
    return false;
  }
  void release(std::size_t step_index) { released_step_ = step_index; }  // "reveal now"

  // Throws std::out_of_range for a prediction or choice that does not exist.
  void answer(std::size_t prediction_index, std::size_t choice_index) {
    if (choice_index >= predictions_->at(prediction_index).choices.size()) {
      throw std::out_of_range("no such choice for this prediction");
    }
    answers_[prediction_index] = choice_index;
  }
  std::optional<std::size_t> answer_of(std::size_t prediction_index) const { return answers_.at(prediction_index); }

 private:
  const std::vector<Prediction>* predictions_;
  std::vector<std::optional<std::size_t>> answers_;
  std::optional<std::size_t> released_step_;
};

}  // namespace loopscope::scenarios
